// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {GrantRequest, GrantTerms, RequestTerms} from "../types/DataRightsTypes.sol";

/// @title The grant desk: grants consented off chain (EIP-712) and grant requests (申请)
interface IGrantDesk {
    /// @notice A grant signed by `grantor` was submitted by `submitter` with `nonce`.
    event SignedGrantSubmitted(uint256 indexed grantId, address indexed grantor, address indexed submitter, uint256 nonce);
    /// @notice `grantor` invalidated its signatures with nonce below `nextNonce`.
    event NonceInvalidated(address indexed grantor, uint256 nextNonce);
    /// @notice `applicant` filed a grant request to `holder`, the holder of the parent right.
    event RequestFiled(uint256 indexed requestId, address indexed applicant, address indexed holder, uint40 filedAt, RequestTerms terms);
    /// @notice The holder approved a request; `grantId` is the grant created (possibly narrower than asked).
    event RequestApproved(uint256 indexed requestId, uint256 indexed grantId, address indexed holder);
    /// @notice The holder refused a request with a hashed statement of reasons.
    event RequestRefused(uint256 indexed requestId, address indexed holder, bytes32 reasonsHash);
    /// @notice The applicant withdrew a request.
    event RequestWithdrawn(uint256 indexed requestId);

    /// @notice The signature's deadline has passed.
    error SignatureExpired(uint256 deadline);
    /// @notice The signature is not `grantor`'s over these terms, nonce, chain and contract.
    error GrantSignatureInvalid(address grantor);
    /// @notice No request has this id.
    error RequestNotFound(uint256 requestId);
    /// @notice The request is no longer pending.
    error RequestNotPending(uint256 requestId);
    /// @notice The caller is not the holder of the requested parent right.
    error NotRequestHolder(uint256 requestId, address account);
    /// @notice The caller is not the applicant.
    error NotRequestApplicant(uint256 requestId, address account);
    /// @notice The approved terms go beyond what was requested; `field` names the first difference.
    error ApprovalExceedsRequest(uint256 requestId, string field);
    /// @notice The request's term is empty or already over.
    error RequestTermInvalid(uint40 validFrom, uint40 validUntil);

    /// @notice The request's stored state.
    function request(uint256 requestId) external view returns (GrantRequest memory);
    /// @notice The EIP-712 digest a grantor signs for these terms, nonce and deadline.
    function signedGrantDigest(address grantor, GrantTerms calldata terms, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32);
    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
