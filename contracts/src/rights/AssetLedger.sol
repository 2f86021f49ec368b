// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {RightsBase} from "./RightsBase.sol";
import {Roles} from "../libraries/Roles.sol";
import {
    AssetCore, AssetKind, AssetRecord, AssetStatus, Category, InputUse, OpenClass
} from "../types/DataRightsTypes.sol";

/// @title Asset registration: resources one by one or in bulk, and products with their lineage
/// @dev The asset id is the content SHA-256, so one content is one registration unit. Lineage is
/// acyclic by construction: a product is new when registered and its inputs already exist.
abstract contract AssetLedger is RightsBase {
    /// @notice Most assets in one bulk registration.
    uint256 public constant MAX_BULK = 256;
    /// @notice Most inputs of one product.
    uint256 public constant MAX_INPUTS = 32;

    /// @notice Register a data resource (a raw collection) in the caller's name.
    /// @param record the content commitment, metadata binding and classification
    /// @return asset the asset id (its content hash)
    function registerResource(AssetRecord calldata record) external returns (bytes32 asset) {
        GOVERNANCE.requireActiveParty(msg.sender);
        uint256 sequence = _assetCount + 1;
        _assetCount = sequence;
        _requireTradable(record);
        return _register(record, AssetKind.Resource, sequence);
    }

    /// @notice Register many resources in one transaction, for example when importing a catalogue.
    /// @param records between 1 and MAX_BULK asset records
    /// @return firstSequence the registration serial number of the first record; the rest follow in order
    function registerResources(AssetRecord[] calldata records) external returns (uint256 firstSequence) {
        uint256 n = records.length;
        if (n == 0 || n > MAX_BULK) revert BatchSizeInvalid(n, MAX_BULK);
        GOVERNANCE.requireActiveParty(msg.sender);
        firstSequence = _assetCount + 1;
        _assetCount = firstSequence + n - 1;
        uint256 checked; // classification last checked against the policy, packed; 0: none yet
        for (uint256 i = 0; i < n; ++i) {
            AssetRecord calldata record = records[i];
            // A catalogue mostly repeats one classification: check the policy once per change.
            uint256 classification = _classification(record);
            if (classification != checked) {
                _requireTradable(record);
                checked = classification;
            }
            _register(record, AssetKind.Resource, firstSequence + i);
        }
    }

    /// @notice Register a product made by processing `inputs`; for every input the caller must hold
    /// a processing right that is active, in term and not frozen at this block.
    /// @param record the product's content commitment, metadata binding and classification
    /// @param inputs between 1 and MAX_INPUTS distinct inputs, each with the certificate or grant
    /// that authorizes the caller to process it
    /// @return product the product's asset id
    function registerProduct(AssetRecord calldata record, InputUse[] calldata inputs) external returns (bytes32 product) {
        uint256 n = inputs.length;
        if (n == 0 || n > MAX_INPUTS) revert InputCountInvalid(n, MAX_INPUTS);
        GOVERNANCE.requireActiveParty(msg.sender);
        uint256 sequence = _assetCount + 1;
        _assetCount = sequence;
        _requireTradable(record);
        product = _register(record, AssetKind.Product, sequence);
        for (uint256 i = 0; i < n; ++i) {
            InputUse calldata use = inputs[i];
            for (uint256 j = 0; j < i; ++j) {
                if (inputs[j].asset == use.asset) revert DuplicateInput(use.asset);
            }
            _requireUsableAsset(use.asset);
            if (!_canProcess(msg.sender, use.asset, use.authKind, use.authId, true)) {
                revert ProcessingRightMissing(use.asset, msg.sender, use.authKind, use.authId);
            }
            _children[use.asset].push(product);
            _derivedUnder[_authNode(use.authKind, use.authId)].push(product);
        }
        emit ProductDerived(product, msg.sender, inputs);
    }

    /// @notice Correct an asset's metadata binding (更正登记). Registrar only.
    /// @param asset the asset id
    /// @param metadataHash SHA-256 of the corrected metadata document
    /// @param metadataURI where the corrected metadata document lives
    /// @param reasonHash hash of the statement of reasons
    function correctAsset(bytes32 asset, bytes32 metadataHash, string calldata metadataURI, bytes32 reasonHash)
        external
    {
        _checkRole(Roles.REGISTRAR);
        _requireAsset(asset);
        emit AssetCorrected(asset, msg.sender, metadataHash, metadataURI, reasonHash);
    }

    function _register(AssetRecord calldata record, AssetKind kind, uint256 sequence) private returns (bytes32 asset) {
        asset = record.contentHash;
        if (asset == bytes32(0)) revert ContentHashMissing();
        if (_assets[asset].status != AssetStatus.None) revert AssetAlreadyRegistered(asset);
        if ((record.merkleRoot == bytes32(0)) != (record.leafCount == 0)) revert MerkleCommitmentInvalid(asset);
        if ((record.category == Category.Public) == (record.openClass == OpenClass.NotApplicable)) {
            revert OpenClassInvalid(asset);
        }
        uint40 now_ = uint40(block.timestamp);
        _assets[asset] = AssetCore({
            registrant: msg.sender,
            registeredAt: now_,
            domain: record.domain,
            kind: kind,
            category: record.category,
            grade: record.grade,
            openClass: record.openClass,
            status: AssetStatus.Active
        });
        emit AssetRegistered(asset, msg.sender, sequence, kind, now_, record);
    }

    function _requireTradable(AssetRecord calldata record) private view {
        GOVERNANCE.requireTradable(record.grade, record.category, record.domain);
    }

    /// @dev Grade, category and domain in one nonzero word.
    function _classification(AssetRecord calldata record) private pure returns (uint256) {
        return (1 << 32) | (uint256(record.grade) << 24) | (uint256(record.category) << 16) | record.domain;
    }
}
